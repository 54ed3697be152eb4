"""Azure regions Pilothouse knows, with the short codes used in resource names."""

from __future__ import annotations

from pilothouse.errors import InvalidValueError

# Short codes follow the common Cloud Adoption Framework abbreviations; names must stay short
# because several Azure resource types allow only 12-24 characters.
REGION_CODES: dict[str, str] = {
    "australiaeast": "aue",
    "brazilsouth": "brs",
    "canadacentral": "cac",
    "centralindia": "inc",
    "centralus": "cus",
    "eastasia": "ea",
    "eastus": "eus",
    "eastus2": "eus2",
    "francecentral": "frc",
    "germanywestcentral": "gwc",
    "japaneast": "jpe",
    "japanwest": "jpw",
    "koreacentral": "krc",
    "koreasouth": "krs",
    "northeurope": "ne",
    "norwayeast": "noe",
    "southafricanorth": "san",
    "southcentralus": "scus",
    "southeastasia": "sea",
    "swedencentral": "sdc",
    "switzerlandnorth": "szn",
    "uaenorth": "uan",
    "uksouth": "uks",
    "westeurope": "we",
    "westus": "wus",
    "westus2": "wus2",
    "westus3": "wus3",
}


def region_code(location: str, field: str = "location") -> str:
    """The short code of an Azure region, or a clear error naming the known regions."""
    try:
        return REGION_CODES[location]
    except KeyError:
        raise InvalidValueError(
            field, location, "an Azure region name such as 'koreacentral' (known: "
            + ", ".join(sorted(REGION_CODES)) + ")"
        ) from None
