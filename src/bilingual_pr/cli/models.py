"""``bilingual-pr models``: install, list and remove offline Argos Translate models."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def models() -> None:
    """Manage the offline translation models used by ``draft``.

    Models are Argos Translate packages (.argosmodel files). Download
    translate-fr_en and translate-en_fr once on a machine with internet access
    (Argos package index), copy them here and run ``models install``. Packages
    go where Argos Translate keeps them: $ARGOS_PACKAGES_DIR, else
    $XDG_DATA_HOME/argos-translate/packages (~/.local/share/...).
    """


@models.command("install")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
def install(files: tuple[Path, ...]) -> None:
    """Install .argosmodel FILES (offline; an installed package of the same name is replaced)."""
    from bilingual_pr.translate.argos import install_model

    for f in files:
        m = install_model(f)
        click.echo(f"installed {m.name}: {m.from_code} -> {m.to_code} (version {m.version or '?'}) in {m.path.parent}")


@models.command("list")
def list_models() -> None:
    """List installed translation models and where they are."""
    from bilingual_pr.translate.argos import installed_models, packages_dir

    found = installed_models()
    if not found:
        click.echo(f"no translation models installed in {packages_dir()}")
        return
    for m in found:
        click.echo(f"{m.from_code}\t{m.to_code}\t{m.version or '?'}\t{m.name}\t{m.path}")


@models.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Remove an installed model, given by folder name or language pair (fr-en)."""
    from bilingual_pr.translate.argos import remove_model

    m = remove_model(name)
    click.echo(f"removed {m.name} ({m.from_code} -> {m.to_code})")
