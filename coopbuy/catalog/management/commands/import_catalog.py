"""`coopbuy import-catalog --group SLUG --supplier NAME FILE [--dry-run]`: import a price list.

The same reader and preview as the web page (CSV, XLSX, ODS; coopbuy's columns or a Foodsoft
article file). It prints what would change (N new, N changed, N vanished) and applies it unless
`--dry-run`. Any problem in the file is listed with its row and column on stderr and nothing is
saved (exit status 1). The supplier must exist, unless `--create-supplier` is given. The change is
recorded in the group's audit log as done by `--actor EMAIL` (default: the group's first
coordinator), who must coordinate the group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from coopbuy.accounts.models import User
from coopbuy.catalog import services
from coopbuy.catalog.import_apply import Preview, build_preview
from coopbuy.catalog.models import Supplier
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup, Membership

SHOWN = 20


class Command(BaseCommand):
    help = "Import a supplier's price list (CSV, XLSX, ODS or a Foodsoft article file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the price list: .csv, .xlsx or .ods")
        parser.add_argument("--group", required=True, help="the group's web address (slug)")
        parser.add_argument("--supplier", required=True, help="the supplier's name in the group")
        parser.add_argument("--dry-run", action="store_true", help="show the changes, save nothing")
        parser.add_argument(
            "--create-supplier", action="store_true", help="add the supplier if it is missing"
        )
        parser.add_argument("--actor", help="email of the coordinator doing the import")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from error
        group = BuyingGroup.objects.filter(slug=options["group"]).first()
        if group is None:
            raise CommandError(f"there is no group with the address “{options['group']}”")
        actor = self._actor(group, options["actor"])
        name = options["supplier"].strip()
        supplier = Supplier.objects.filter(group=group, name__iexact=name).first()
        if supplier is None and not options["create_supplier"]:
            known = ", ".join(group.suppliers.values_list("name", flat=True)) or "none yet"
            raise CommandError(
                f"{group.name} has no supplier called “{name}” (its suppliers: {known}); "
                "add --create-supplier to add it"
            )
        try:
            if supplier is None:
                preview_supplier = Supplier(group=group, name=name)
                preview = build_preview(supplier=preview_supplier, content=content)
            else:
                preview = build_preview(supplier=supplier, content=content)
        except UserFacingError as error:
            raise CommandError(f"{path.name}: {error.message}") from error
        self._report(path, name, preview)
        if preview.errors:
            lines = [
                f"row {e['row'] or '-'}, {e['column'] or 'file'}: {e['message']}"
                for e in preview.errors
            ]
            raise CommandError(
                f"{path.name} has {len(lines)} problem(s); nothing was saved:\n  "
                + "\n  ".join(lines)
            )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was saved.")
            return
        try:
            with transaction.atomic():
                if supplier is None:
                    supplier = services.supplier_create(group=group, actor=actor, name=name)
                    self.stdout.write(f"Added the supplier {supplier.name}.")
                catalog_import = services.catalog_import_preview(
                    supplier=supplier, actor=actor, filename=path.name, content=content
                )
                summary = services.catalog_import_apply(catalog_import=catalog_import, actor=actor)
        except UserFacingError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {summary.created} new, {summary.updated} changed, "
                f"{summary.made_unavailable} made unavailable."
            )
        )

    def _actor(self, group: BuyingGroup, email: str | None) -> User:
        coordinators = (
            Membership.objects.active()
            .filter(group=group, role=Membership.Role.COORDINATOR)
            .select_related("user")
        )
        if email:
            membership = coordinators.filter(user__email__iexact=email).first()
            if membership is None:
                raise CommandError(f"{email} is not a coordinator of {group.name}")
            return membership.user
        membership = coordinators.order_by("pk").first()
        if membership is None:
            raise CommandError(f"{group.name} has no coordinator to record the import under")
        return membership.user

    def _report(self, path: Path, supplier: str, preview: Preview) -> None:
        for warning in preview.warnings:
            self.stderr.write(f"warning: {warning}")
        if preview.errors:
            return
        counts = preview.counts
        self.stdout.write(
            f"{path.name} ({preview.file_format} format) for {supplier}: {counts['new']} new, "
            f"{counts['changed']} changed, {counts['vanished']} vanished."
        )
        verbose = int(self.verbosity) >= 2
        for entry in preview.changes["changed"][: None if verbose else SHOWN]:
            fields = "; ".join(f"{f}: {old} → {new}" for f, old, new in entry["fields"])
            self.stdout.write(f"  changed {entry['sku']} {entry['name']}: {fields}")
        for entry in preview.changes["vanished"][: None if verbose else SHOWN]:
            self.stdout.write(f"  vanished {entry['sku']} {entry['name']}")
        hidden = max(0, counts["changed"] - SHOWN) + max(0, counts["vanished"] - SHOWN)
        if hidden and not verbose:
            self.stdout.write(f"  ... and {hidden} more (use -v 2 to list all)")

    @property
    def verbosity(self) -> int:
        return int(getattr(self, "_verbosity", 1))

    def execute(self, *args: Any, **options: Any) -> Any:
        self._verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)
