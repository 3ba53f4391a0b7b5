"""What is certified: the entity's facilities, their countries and supply-chain activities."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.limits import NAME_LENGTH


class Activity(StrEnum):
    BAUXITE_MINING = "bauxite-mining"
    ALUMINA_REFINING = "alumina-refining"
    SMELTING = "smelting"
    CASTING = "casting"
    REMELTING_REFINING = "remelting-refining"
    ROLLING = "rolling"
    EXTRUSION = "extrusion"
    SEMI_FABRICATION = "semi-fabrication"
    MATERIAL_CONVERSION = "material-conversion"
    PRODUCT_MANUFACTURING = "product-manufacturing"
    INDUSTRIAL_USE = "industrial-use"


class Facility(BaseModel):
    model_config = ConfigDict(frozen=True)

    facility_id: str = Field(min_length=1, max_length=NAME_LENGTH)
    name: str = Field(min_length=1, max_length=NAME_LENGTH)
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")
    activities: tuple[Activity, ...] = Field(min_length=1, max_length=len(Activity))


class StandardRef(BaseModel):
    """A standard and its version, e.g. ASI Performance Standard V3."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(min_length=1, max_length=NAME_LENGTH)
    version: str = Field(min_length=1, max_length=NAME_LENGTH)


class ExternalCertification(BaseModel):
    """A recognised certification the entity leverages to cover criteria."""

    model_config = ConfigDict(frozen=True)

    scheme: str = Field(min_length=1, max_length=NAME_LENGTH)
    certificate_number: str = Field(min_length=1, max_length=NAME_LENGTH)
