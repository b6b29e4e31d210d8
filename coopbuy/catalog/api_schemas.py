"""Input and output schemas of the catalogue's API (/api/v1/groups/{slug}/suppliers/…)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar

from ninja import Field, Path, Schema
from pydantic import BeforeValidator, StrictBool, WithJsonSchema

from coopbuy.api.schemas import Input, Money, Text, decimal_string, whole_number
from coopbuy.catalog.models import PriceTier, Product, Supplier

INT32 = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=2**62)]
SUPPLIER = "/{slug:slug}/suppliers/{int:supplier_id}"
"""The address of one supplier of a group, under which its products, imports and export live."""


Whole = Annotated[int, BeforeValidator(whole_number)]
"""An integer in JSON: 3 or 3.0 (both integers to JSON Schema), never true or "3"."""


# What the database can store (12 digits, 2 places, not negative), said in the schema too.
Price = Annotated[
    Money,
    Field(ge=0, max_digits=12, decimal_places=2),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,10}\.\d{2}$", "examples": ["12.50"]}),
]
Amount = Annotated[
    Money,
    Field(ge=0, max_digits=10, decimal_places=2),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,8}\.\d{2}$", "examples": ["20.00"]}),
]
"""A payment (the ledger refuses zero), at most 99,999,999.99 (as the treasurer's form allows)."""
Rate = Annotated[
    Decimal,
    BeforeValidator(decimal_string),
    Field(ge=0, lt=1, max_digits=5, decimal_places=4),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^0(\.\d{1,4})?$",
            "examples": ["0.2000"],
            "description": "A fraction: 0.2000 is 20 %.",
        }
    ),
]


class SupplierOut(Schema):
    id: int
    name: str
    contact_name: str
    phone: str
    email: str
    order_email: str | None = Field(description="Where orders go; coordinators only, else null.")
    website: str
    min_order_value: Money
    delivery_fee: Money
    free_delivery_over: Money | None
    lead_time_days: int
    notes: str
    is_active: bool
    available_count: int | None = Field(
        None, description="How many of its products are available (in lists)."
    )

    @classmethod
    def of(cls, supplier: Supplier, *, manager: bool) -> SupplierOut:
        names = (
            "name",
            "contact_name",
            "phone",
            "email",
            "website",
            "min_order_value",
            "delivery_fee",
            "free_delivery_over",
            "lead_time_days",
            "notes",
            "is_active",
        )
        return cls.model_validate(
            {
                "id": supplier.pk,
                **{name: getattr(supplier, name) for name in names},
                "order_email": supplier.order_email if manager else None,
                "available_count": getattr(supplier, "available_count", None),
            }
        )


class TierOut(Schema):
    min_cases: int
    unit_price: Money

    @classmethod
    def of(cls, tier: PriceTier) -> TierOut:
        return cls(min_cases=tier.min_cases, unit_price=tier.unit_price)


class ProductImageOut(Schema):
    small: str = Field(description="A WebP at most 160 px a side (a path on this site).")
    large: str = Field(description="A WebP at most 480 px a side (a path on this site).")
    source_url: str = Field(description="Where an import fetched it from; empty if uploaded.")

    @classmethod
    def of(cls, product: Product) -> ProductImageOut | None:
        if not product.image_small:
            return None
        return cls(
            small=product.image_small.url,
            large=product.image_large.url,
            source_url=product.image_source_url,
        )


class ProductOut(Schema):
    id: int
    supplier: int
    sku: str
    name: str
    category: str
    unit_description: str
    case_size: int
    unit_price: Money
    vat_rate: str = Field(description="A fraction: 0.2000 is 20 %.")
    deposit: Money
    retail_unit_price: Money | None
    weight_grams: int | None
    min_cases: int
    max_cases: int | None
    origin: str
    manufacturer: str
    note: str
    is_available: bool
    tiers: list[TierOut] = Field(description="Volume prices, from the fewest cases up.")
    image: ProductImageOut | None = Field(
        description="The product's picture, re-encoded by coopbuy; null when it has none."
    )

    @classmethod
    def of(cls, product: Product) -> ProductOut:
        names = (
            "sku",
            "name",
            "category",
            "unit_description",
            "case_size",
            "unit_price",
            "deposit",
            "retail_unit_price",
            "weight_grams",
            "min_cases",
            "max_cases",
            "origin",
            "manufacturer",
            "note",
            "is_available",
        )
        return cls.model_validate(
            {
                "id": product.pk,
                "supplier": product.supplier_id,
                **{name: getattr(product, name) for name in names},
                "vat_rate": f"{Decimal(product.vat_rate).quantize(Decimal('0.0001'))}",
                "tiers": [TierOut.of(t) for t in product.price_tiers.all()],
                "image": ProductImageOut.of(product),
            }
        )


class SupplierUpdateIn(Input):
    """Only the fields sent change."""

    name: Text | None = Field(None, min_length=1, max_length=120)
    contact_name: Text | None = Field(None, max_length=120)
    phone: Text | None = Field(None, max_length=40)
    email: Text | None = Field(None, max_length=254)
    order_email: Text | None = Field(None, max_length=254)
    website: Text | None = Field(None, max_length=200)
    min_order_value: Price | None = None
    delivery_fee: Price | None = None
    free_delivery_over: Price | None = Field(None, description="null: no free delivery.")
    lead_time_days: Annotated[int, Field(ge=0, le=32767), BeforeValidator(whole_number)] | None = (
        None
    )
    notes: Text | None = Field(None, max_length=5000)


class SupplierCreateIn(Input):
    name: Text = Field(min_length=1, max_length=120)
    contact_name: Text = Field("", max_length=120)
    phone: Text = Field("", max_length=40)
    email: Text = Field("", max_length=254)
    order_email: Text = Field("", max_length=254)
    website: Text = Field("", max_length=200)
    min_order_value: Price = Decimal(0)
    delivery_fee: Price = Decimal(0)
    free_delivery_over: Price | None = None
    lead_time_days: Whole = Field(0, ge=0, le=32767)
    notes: Text = Field("", max_length=5000)


class TierIn(Input):
    min_cases: Whole = Field(ge=2, le=INT32)
    unit_price: Price


class ProductIn(Input):
    """The whole product: the one with this SKU is updated, or made if there is none."""

    sku: Text = Field(min_length=1, max_length=64)
    name: Text = Field(min_length=1, max_length=200)
    case_size: Whole = Field(ge=1, le=INT32)
    unit_price: Price
    tiers: list[TierIn] = Field(default_factory=list, max_length=50)
    category: Text = Field("", max_length=80)
    unit_description: Text = Field("", max_length=80)
    vat_rate: Rate = Decimal(0)
    deposit: Price = Decimal(0)
    retail_unit_price: Price | None = None
    weight_grams: Annotated[int, Field(ge=0, le=INT32), BeforeValidator(whole_number)] | None = None
    min_cases: Whole = Field(0, ge=0, le=INT32)
    max_cases: Annotated[int, Field(ge=0, le=INT32), BeforeValidator(whole_number)] | None = None
    origin: Text = Field("", max_length=80)
    manufacturer: Text = Field("", max_length=120)
    note: Text = Field("", max_length=300)
    is_available: StrictBool = True


Count = Annotated[int, Field(ge=0, le=INT32), BeforeValidator(whole_number)]


class ProductUpdateIn(Input):
    """Only the fields sent change; null removes the retail price, weight or maximum cases."""

    name: Text | None = Field(None, min_length=1, max_length=200)
    case_size: Annotated[int, Field(ge=1, le=INT32), BeforeValidator(whole_number)] | None = None
    unit_price: Price | None = None
    tiers: list[TierIn] | None = Field(
        None, max_length=50, description="All volume prices: [] removes them."
    )
    category: Text | None = Field(None, max_length=80)
    unit_description: Text | None = Field(None, max_length=80)
    vat_rate: Rate | None = None
    deposit: Price | None = None
    retail_unit_price: Price | None = Field(None, description="null: no retail price.")
    weight_grams: Count | None = Field(None, description="null: no weight.")
    min_cases: Count | None = None
    max_cases: Count | None = Field(None, description="null: no maximum.")
    origin: Text | None = Field(None, max_length=80)
    manufacturer: Text | None = Field(None, max_length=120)
    note: Text | None = Field(None, max_length=300)
    is_available: StrictBool | None = None

    NULLABLE: ClassVar[frozenset[str]] = frozenset(
        {"retail_unit_price", "weight_grams", "max_cases"}
    )

    def changes(self) -> dict[str, Any]:
        """The fields sent, without `tiers`; null is kept only where it means "none"."""
        return {
            name: value
            for name, value in self.model_dump(exclude_unset=True, exclude={"tiers"}).items()
            if value is not None or name in self.NULLABLE
        }


class ProductSearch(Schema):
    q: Text = Field("", max_length=100, description="Words in the name, or the start of the SKU.")
    category: Text = Field("", max_length=80)
    available: bool = Field(False, description="Only products that can be ordered.")


class SupplierSearch(Schema):
    archived: bool = Field(False, description="Also archived suppliers.")
