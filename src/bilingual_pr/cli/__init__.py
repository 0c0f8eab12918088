"""The ``bilingual-pr`` command line: a thin Click layer over the library.

Commands are registered by dotted path and imported only when used, so
``bilingual-pr --help`` stays fast and a heavy stage (MT, embeddings) costs
nothing to the others. One module per command family lives beside this file.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from bilingual_pr.errors import UserError

# name -> "module:attribute". Only commands that really work are listed here.
COMMANDS: dict[str, str] = {
    "extract": "bilingual_pr.cli.extract:extract",
    "align": "bilingual_pr.cli.align:align",
    "glossary": "bilingual_pr.cli.glossary:glossary",
    "check": "bilingual_pr.cli.check:check",
    "draft": "bilingual_pr.cli.draft:draft",
    "models": "bilingual_pr.cli.models:models",
    "tmx": "bilingual_pr.cli.tmx:tmx",
    "segment": "bilingual_pr.cli.segment:segment",
    "run": "bilingual_pr.cli.run:run",
    "batch": "bilingual_pr.cli.batch:batch",
    "tm": "bilingual_pr.cli.tm:tm",
    "review": "bilingual_pr.cli.review:review",
    "omegat-project": "bilingual_pr.cli.omegat:omegat_project",
}


class LazyGroup(click.Group):
    """A Click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, attr = COMMANDS[cmd_name].split(":")
            return with_verbosity(getattr(importlib.import_module(module), attr))
        return super().get_command(ctx, cmd_name)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run the group; usage errors become one line too (Click's own are several)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as err:
            hint = f" (see '{err.ctx.command_path} --help')" if err.ctx is not None else ""
            fail(err.format_message() + hint, err.exit_code)
        except click.ClickException as err:
            fail(err.format_message(), err.exit_code)
        except click.Abort:
            fail("aborted", 1)
        except (KeyboardInterrupt, EOFError):
            fail("interrupted", 130)
        # Commands return nothing; an int here is an exit code from ctx.exit().
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as err:
            fail(str(err), err.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            # Output piped into head(1) etc.: stop quietly.
            sys.stderr.close()
            sys.exit(0)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except MemoryError:
            fail("out of memory", 1)
        except Exception as err:  # noqa: BLE001 - last line of defence: one line, no traceback
            if ctx.find_root().params.get("verbose", 0) >= 2:
                raise
            fail(f"internal error: {type(err).__name__}: {err} (run with -vv for a traceback)", 1)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error (red on a terminal) and exit with ``code``."""
    click.secho(f"bilingual-pr: error: {' '.join(message.split())}", fg="red", err=True)
    if code >= 128:
        # Stopped by a signal: a process pool's manager thread may still trip over its killed
        # workers while the interpreter exits; the one line above is all the user is told.
        import threading

        threading.excepthook = lambda _args: None
    sys.exit(code)


def warn(message: str) -> None:
    """Print a one-line warning (yellow on a terminal) unless --quiet."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().params.get("quiet"):
        return
    click.secho(f"bilingual-pr: warning: {' '.join(message.split())}", fg="yellow", err=True)


class _OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"bilingual-pr: {record.getMessage()}"


def configure_logging(verbose: int, quiet: bool) -> None:
    """Send the package's log to stderr, one line a record, at the level -v/-q ask for."""
    level = logging.ERROR if quiet else (logging.DEBUG if verbose >= 2 else logging.INFO if verbose else logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter())
    root = logging.getLogger("bilingual_pr")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _verbosity_after_command(ctx: click.Context, param: click.Parameter, value: int | bool) -> None:
    # -v/-q given after a command: the same settings as before it, kept on the root context.
    if not value:
        return
    root = ctx.find_root()
    if param.name == "quiet_here":
        root.params["quiet"] = True
    else:
        root.params["verbose"] = root.params.get("verbose", 0) + value
    configure_logging(root.params.get("verbose", 0), root.params.get("quiet", False))


def with_verbosity(command: click.Command) -> click.Command:
    """Let ``command`` (and a group's subcommands) take -v/-q after its name, as the group does before it."""
    if not any(p.name == "verbose_here" for p in command.params):
        command.params.extend([
            click.Option(["-v", "--verbose", "verbose_here"], count=True, expose_value=False, is_eager=True,
                         callback=_verbosity_after_command, help="Say more; -vv adds debug output (as before the command)."),
            click.Option(["-q", "--quiet", "quiet_here"], is_flag=True, expose_value=False, is_eager=True,
                         callback=_verbosity_after_command, help="Only errors (as before the command)."),
        ])
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_verbosity(sub)
    return command


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # Click's version_option wants the version when the group is built: looking it up costs
    # every command some 25 ms (importlib.metadata), so it is looked up only when asked.
    if not value or ctx.resilient_parsing:
        return
    from bilingual_pr import __version__

    click.echo(f"bilingual-pr, version {__version__}")
    ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-V", "--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
@click.option("-v", "--verbose", count=True, help="Say more (encodings, timings); -vv adds debug output.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
def main(verbose: int, quiet: bool) -> None:
    """Align, memorise, draft and check French/English press releases.

    Reads plain text, HTML and Word files; writes TMX memories, drafts and
    terminology reports for UNOG/CERN-style institutional releases.
    -v and -q may also follow the command's name.
    """
    configure_logging(verbose, quiet)
    # SIGTERM (kill, timeout, a cancelled CI job) unwinds like Ctrl-C, so that atomic outputs
    # remove their temporary file and the previous output stays as it was.
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, _frame: fail("terminated", 128 + signum))
