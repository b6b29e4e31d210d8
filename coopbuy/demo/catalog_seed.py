"""Demo catalogues: UK wholefood wholesalers and local producers for each demo group.

Generated deterministically (a seeded `random.Random` over the lists below) and loaded the way a
coordinator would: the supplier through `supplier_create`, its price list through the import
preview and apply services, so the audit log shows one import per supplier. Idempotent: a supplier
that already has products is left alone.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from coopbuy.catalog import services
from coopbuy.catalog.imports.formats import COLUMNS
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup, Membership

from .people import GROUPS

# name, category, unit, case sizes, net price per unit (low, high), VAT %
Item = tuple[str, str, str, tuple[int, ...], tuple[str, str], int]
STAPLES: tuple[Item, ...] = (
    ("Porridge oats", "Cereals", "1 kg bag", (6, 10), ("1.40", "2.10"), 0),
    ("Jumbo oats", "Cereals", "1 kg bag", (6, 10), ("1.60", "2.30"), 0),
    ("Muesli, no added sugar", "Cereals", "1 kg bag", (6,), ("3.20", "4.40"), 0),
    ("Crunchy granola", "Cereals", "500 g bag", (6,), ("2.60", "3.50"), 0),
    ("Brown basmati rice", "Grains", "1 kg bag", (6, 12), ("2.30", "3.10"), 0),
    ("White basmati rice", "Grains", "2 kg bag", (5, 6), ("3.80", "5.20"), 0),
    ("Arborio risotto rice", "Grains", "500 g bag", (12,), ("1.60", "2.20"), 0),
    ("Bulgur wheat", "Grains", "500 g bag", (6, 12), ("1.20", "1.70"), 0),
    ("Quinoa, white", "Grains", "500 g bag", (6,), ("2.80", "3.90"), 0),
    ("Pearl barley", "Grains", "500 g bag", (12,), ("0.95", "1.40"), 0),
    ("Couscous", "Grains", "500 g bag", (12,), ("1.10", "1.60"), 0),
    ("Red split lentils", "Pulses", "500 g bag", (12,), ("1.20", "1.70"), 0),
    ("Green lentils", "Pulses", "500 g bag", (12,), ("1.30", "1.90"), 0),
    ("Puy-style lentils", "Pulses", "500 g bag", (6,), ("2.10", "2.80"), 0),
    ("Chickpeas, dried", "Pulses", "500 g bag", (12,), ("1.10", "1.60"), 0),
    ("Yellow split peas", "Pulses", "500 g bag", (12,), ("0.90", "1.30"), 0),
    ("Red kidney beans, dried", "Pulses", "500 g bag", (12,), ("1.30", "1.80"), 0),
    ("Chickpeas in water", "Tins and jars", "400 g tin", (12, 24), ("0.70", "1.05"), 0),
    ("Black beans in water", "Tins and jars", "400 g tin", (12,), ("0.75", "1.10"), 0),
    ("Chopped tomatoes", "Tins and jars", "400 g tin", (12, 24), ("0.60", "0.95"), 0),
    ("Whole plum tomatoes", "Tins and jars", "400 g tin", (12,), ("0.65", "1.00"), 0),
    ("Passata", "Tins and jars", "680 g jar", (6, 12), ("1.10", "1.60"), 0),
    ("Coconut milk", "Tins and jars", "400 ml tin", (12,), ("1.05", "1.50"), 0),
    ("Extra virgin olive oil", "Oils and vinegars", "1 l bottle", (6,), ("6.90", "9.50"), 0),
    ("Extra virgin olive oil", "Oils and vinegars", "5 l tin", (2, 4), ("29.00", "39.00"), 0),
    ("Sunflower oil", "Oils and vinegars", "1 l bottle", (6, 12), ("2.20", "3.10"), 0),
    ("Cold-pressed rapeseed oil", "Oils and vinegars", "500 ml bottle", (6,), ("3.10", "4.20"), 0),
    ("Cider vinegar", "Oils and vinegars", "500 ml bottle", (6,), ("1.60", "2.40"), 0),
    ("Peanut butter, smooth", "Spreads", "1 kg jar", (6,), ("4.20", "5.60"), 0),
    ("Peanut butter, crunchy", "Spreads", "1 kg jar", (6,), ("4.20", "5.60"), 0),
    ("Almond butter", "Spreads", "170 g jar", (6,), ("3.40", "4.60"), 0),
    ("Light tahini", "Spreads", "500 g jar", (6,), ("3.10", "4.20"), 0),
    ("Yeast extract", "Spreads", "250 g jar", (12,), ("2.60", "3.40"), 0),
    ("Raisins", "Dried fruit", "500 g bag", (6, 12), ("1.70", "2.40"), 0),
    ("Sultanas", "Dried fruit", "500 g bag", (6, 12), ("1.70", "2.40"), 0),
    ("Apricots, unsulphured", "Dried fruit", "500 g bag", (6,), ("3.30", "4.50"), 0),
    ("Dates, pitted", "Dried fruit", "1 kg bag", (6,), ("3.40", "4.80"), 0),
    ("Figs", "Dried fruit", "250 g bag", (6,), ("2.30", "3.10"), 0),
    ("Almonds, whole", "Nuts and seeds", "500 g bag", (6,), ("4.60", "6.20"), 0),
    ("Cashew pieces", "Nuts and seeds", "500 g bag", (6,), ("4.40", "5.90"), 0),
    ("Walnut halves", "Nuts and seeds", "250 g bag", (6,), ("2.90", "3.90"), 0),
    ("Sunflower seeds", "Nuts and seeds", "500 g bag", (6, 12), ("1.40", "2.00"), 0),
    ("Pumpkin seeds", "Nuts and seeds", "500 g bag", (6,), ("3.10", "4.20"), 0),
    ("Milled flaxseed", "Nuts and seeds", "250 g bag", (6,), ("1.60", "2.30"), 0),
    ("Wholemeal spelt pasta", "Pasta", "500 g bag", (12,), ("1.50", "2.10"), 0),
    ("Wholewheat spaghetti", "Pasta", "500 g bag", (12, 24), ("0.95", "1.40"), 0),
    ("Penne", "Pasta", "500 g bag", (12, 24), ("0.90", "1.35"), 0),
    ("Strong wholemeal bread flour", "Baking", "1.5 kg bag", (5, 10), ("1.50", "2.20"), 0),
    ("Plain white flour", "Baking", "1.5 kg bag", (5, 10), ("1.20", "1.80"), 0),
    ("Golden caster sugar", "Baking", "1 kg bag", (10,), ("1.70", "2.40"), 0),
    ("Cocoa powder", "Baking", "250 g bag", (6,), ("2.60", "3.50"), 0),
    ("Fairtrade ground coffee", "Drinks", "227 g bag", (6,), ("3.60", "4.80"), 0),
    ("Fairtrade tea bags", "Drinks", "80 bags", (6,), ("2.40", "3.30"), 0),
    ("Oat drink", "Drinks", "1 l carton", (6, 12), ("1.20", "1.70"), 0),
    ("Soya drink, unsweetened", "Drinks", "1 l carton", (6, 12), ("1.10", "1.60"), 0),
    ("Apple juice, cloudy", "Drinks", "1 l bottle", (6,), ("2.10", "2.90"), 0),
    ("Vegetable stock powder", "Herbs and spices", "500 g tub", (6,), ("5.20", "6.90"), 0),
    ("Ground cumin", "Herbs and spices", "100 g bag", (6,), ("1.10", "1.60"), 0),
    ("Smoked paprika", "Herbs and spices", "100 g bag", (6,), ("1.40", "2.00"), 0),
    ("Himalayan pink salt", "Herbs and spices", "1 kg bag", (6,), ("2.10", "2.90"), 0),
    ("Dark chocolate 70 %", "Snacks", "100 g bar", (12, 15), ("1.50", "2.10"), 20),
    ("Oatcakes, rough", "Snacks", "250 g pack", (12,), ("1.40", "1.90"), 0),
    ("Washing-up liquid refill", "Eco cleaning", "5 l", (1, 2), ("8.90", "11.50"), 20),
    ("Laundry liquid, non-bio, refill", "Eco cleaning", "5 l", (1, 2), ("16.50", "21.00"), 20),
    ("Multi-surface cleaner refill", "Eco cleaning", "5 l", (1, 2), ("9.50", "12.50"), 20),
    ("Toilet cleaner", "Eco cleaning", "750 ml", (12,), ("1.90", "2.60"), 20),
    ("Hand wash refill, lavender", "Eco cleaning", "5 l", (1, 2), ("11.50", "14.50"), 20),
    ("Recycled toilet rolls", "Household", "9 rolls", (5,), ("3.90", "4.90"), 20),
    ("Compostable bin liners", "Household", "roll of 20", (12,), ("2.10", "2.90"), 20),
)
LOCAL: tuple[Item, ...] = (
    ("Free-range eggs", "Eggs and dairy", "box of 6", (10,), ("2.10", "2.60"), 0),
    ("Raw milk cheddar", "Eggs and dairy", "250 g", (8,), ("3.60", "4.40"), 0),
    ("Natural yoghurt", "Eggs and dairy", "500 g pot", (6,), ("1.60", "2.10"), 0),
    ("Sourdough loaf", "Bakery", "800 g loaf", (1,), ("3.40", "4.20"), 0),
    ("Seeded rye bread", "Bakery", "500 g loaf", (1,), ("3.10", "3.80"), 0),
    ("Potatoes, Maris Piper", "Vegetables", "2.5 kg bag", (4,), ("2.20", "2.90"), 0),
    ("Carrots", "Vegetables", "1 kg bag", (5,), ("1.10", "1.50"), 0),
    ("Onions", "Vegetables", "1 kg bag", (5,), ("1.00", "1.40"), 0),
    ("Seasonal veg box", "Vegetables", "small box", (1,), ("11.00", "14.00"), 0),
    ("Apples, Cox", "Fruit", "1 kg bag", (5,), ("2.40", "3.10"), 0),
    ("Wildflower honey", "Spreads", "340 g jar", (6,), ("5.20", "6.50"), 0),
    ("Strawberry jam", "Spreads", "340 g jar", (6,), ("3.10", "3.90"), 0),
    ("Apple juice, pressed", "Drinks", "750 ml bottle", (6,), ("2.80", "3.50"), 0),
    ("Kombucha", "Drinks", "330 ml bottle", (12,), ("2.10", "2.60"), 20),
)
ORIGINS = {
    "Cereals": ("UK", "Ireland"),
    "Grains": ("Italy", "India", "Bolivia", "Turkey", "Pakistan"),
    "Pulses": ("Canada", "Turkey", "UK", "France"),
    "Tins and jars": ("Italy", "Italy", "Sri Lanka"),
    "Oils and vinegars": ("Spain", "Greece", "Italy", "UK"),
    "Spreads": ("Argentina", "Netherlands", "UK", "Lebanon"),
    "Dried fruit": ("Turkey", "Tunisia", "Iran", "South Africa"),
    "Nuts and seeds": ("USA", "India", "Spain", "China", "Austria"),
    "Pasta": ("Italy",),
    "Drinks": ("UK", "Germany", "Peru"),
    "Herbs and spices": ("India", "Spain", "Pakistan"),
    "Snacks": ("UK", "Dominican Republic"),
}
CLEANING_MAKERS = ("Bio-D", "Ecoleaf", "Ecover", "Faith in Nature")


@dataclass(frozen=True)
class DemoSupplier:
    group_slug: str
    name: str
    items: tuple[Item, ...]
    sku: str  # "AA000" letters then digits, "000000" digits, "E0000"
    seed: int
    terms: dict[str, object]


def _demo_suppliers() -> tuple[DemoSupplier, ...]:
    hebden, totnes, leith = (group.slug for group in GROUPS)
    wholesale = {"min_order_value": Decimal("250.00"), "delivery_fee": Decimal("0.00")}
    return (
        DemoSupplier(hebden, "Suma Wholefoods", STAPLES, "AA000", 11, {
            **wholesale, "order_email": "orders@suma.example", "lead_time_days": 3,
            "contact_name": "Trade desk",
            "notes": "Delivers Tuesdays. Pallet drop at the Town Hall.",
        }),
        DemoSupplier(hebden, "Calder Valley Growers", LOCAL, "E0000", 12, {
            "min_order_value": Decimal("40.00"), "delivery_fee": Decimal("5.00"),
            "free_delivery_over": Decimal("80.00"), "lead_time_days": 2,
            "order_email": "hello@caldergrowers.example",
        }),
        DemoSupplier(totnes, "Essential Trading", STAPLES, "E0000", 21, {
            **wholesale, "order_email": "sales@essential.example", "lead_time_days": 5,
            "delivery_fee": Decimal("15.00"), "free_delivery_over": Decimal("400.00"),
        }),
        DemoSupplier(totnes, "Dart Valley Dairy and Bakery", LOCAL[:6], "AA000", 22, {
            "min_order_value": Decimal("30.00"), "delivery_fee": Decimal("4.50"),
            "lead_time_days": 1,
        }),
        DemoSupplier(leith, "Infinity Foods", STAPLES, "000000", 31, {
            **wholesale, "order_email": "orders@infinity.example", "lead_time_days": 4,
            "min_order_value": Decimal("300.00"),
        }),
        DemoSupplier(leith, "Lothian Larder Farm", LOCAL[5:], "AA000", 32, {
            "min_order_value": Decimal("25.00"), "delivery_fee": Decimal("3.00"),
            "lead_time_days": 2,
        }),
    )  # fmt: skip


def _sku(pattern: str, rng: random.Random, used: set[str]) -> str:
    while True:
        sku = "".join(
            chr(rng.randint(65, 90)) if ch == "A" else str(rng.randint(0, 9)) if ch == "0" else ch
            for ch in pattern
        )
        if sku not in used:
            used.add(sku)
            return sku


def _price(rng: random.Random, low: str, high: str) -> Decimal:
    pence = rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100))
    return Decimal(pence) / 100


def price_list(spec: DemoSupplier) -> bytes:
    """The supplier's price list as a coopbuy CSV, the same on every run."""
    rng = random.Random(spec.seed)
    used: set[str] = set()
    rows = [list(COLUMNS)]
    variants = ("", "organic ") if len(spec.items) > 20 else ("",)
    for prefix in variants:
        for name, category, unit, cases, (low, high), vat in spec.items:
            if prefix and rng.random() < 0.35:
                continue  # not every staple comes organic
            price = _price(rng, low, high) * (Decimal("1.25") if prefix else 1)
            price = price.quantize(Decimal("0.01"))
            case_size = rng.choice(cases)
            tiers = ""
            if case_size > 1 and rng.random() < 0.2:
                tiers = f"3:{(price * Decimal('0.96')).quantize(Decimal('0.01'))}"
                if rng.random() < 0.5:
                    tiers += f";10:{(price * Decimal('0.92')).quantize(Decimal('0.01'))}"
            retail = (price * Decimal(rng.choice(("1.35", "1.45", "1.6")))).quantize(
                Decimal("0.01")
            )
            local = len(spec.items) <= 20
            values = {
                "sku": _sku(spec.sku, rng, used),
                "name": (prefix.capitalize() + name[0].lower() + name[1:]) if prefix else name,
                "category": category,
                "unit": unit,
                "case_size": case_size,
                "unit_price": price,
                "vat_rate": vat,
                "deposit": "0.10" if "bottle" in unit and local else "0",
                "retail_price": retail if rng.random() < 0.6 else "",
                "origin": "UK" if local else rng.choice(ORIGINS.get(category, ("UK",))),
                "manufacturer": rng.choice(CLEANING_MAKERS)
                if category in ("Eco cleaning", "Household")
                else spec.name.split()[0]
                if not local
                else spec.name,
                "available": "no" if rng.random() < 0.04 else "yes",
                "tiers": tiers,
            }
            rows.append([str(values.get(column, "")) for column in COLUMNS])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def seed_catalogs() -> int:
    """Add the demo suppliers and their catalogues; returns how many suppliers were added."""
    added = 0
    for spec in _demo_suppliers():
        group = BuyingGroup.objects.filter(slug=spec.group_slug).first()
        if group is None:
            continue
        coordinator = (
            Membership.objects.active()
            .filter(group=group, role=Membership.Role.COORDINATOR)
            .order_by("pk")
            .select_related("user")
            .first()
        )
        if coordinator is None:
            continue
        actor = coordinator.user
        supplier = Supplier.objects.filter(group=group, name=spec.name).first()
        if supplier is None:
            supplier = services.supplier_create(
                group=group,
                actor=actor,
                name=spec.name,
                **spec.terms,
            )
            added += 1
        if supplier.products.exists():
            continue
        filename = f"{spec.name.lower().replace(' ', '-')}-price-list.csv"
        catalog_import = services.catalog_import_preview(
            supplier=supplier, actor=actor, filename=filename, content=price_list(spec)
        )
        services.catalog_import_apply(catalog_import=catalog_import, actor=actor)
    return added
