"""A built-in seed of main yacht ports of entry of member states, for the demo and a first start.

Production sites load the full official UN/LOCODE code list with `manage.py load_unlocode` and mark
their ports of entry; this seed only makes a fresh installation usable before that.
"""

from __future__ import annotations

from typing import NamedTuple


class SeedPort(NamedTuple):
    locode: str
    name: str


PORTS_OF_ENTRY: tuple[SeedPort, ...] = (
    SeedPort("AGSJO", "St. John's"),
    SeedPort("AIVAL", "The Valley"),
    SeedPort("AWORJ", "Oranjestad"),
    SeedPort("BSNAS", "Nassau"),
    SeedPort("BSFPO", "Freeport"),
    SeedPort("BBBGI", "Bridgetown"),
    SeedPort("BZBZE", "Belize City"),
    SeedPort("BMHAM", "Hamilton"),
    SeedPort("VGRAD", "Road Town"),
    SeedPort("KYGEC", "George Town"),
    SeedPort("CAHAL", "Halifax"),
    SeedPort("COCTG", "Cartagena"),
    SeedPort("CRLIO", "Puerto Limón"),
    SeedPort("CUHAV", "La Habana"),
    SeedPort("CWWIL", "Willemstad"),
    SeedPort("DMRSU", "Roseau"),
    SeedPort("DOSDQ", "Santo Domingo"),
    SeedPort("DOPOP", "Puerto Plata"),
    SeedPort("GDSTG", "St. George's"),
    SeedPort("GTSTC", "Santo Tomás de Castilla"),
    SeedPort("GYGEO", "Georgetown"),
    SeedPort("HTPAP", "Port-au-Prince"),
    SeedPort("JMKIN", "Kingston"),
    SeedPort("JMMBJ", "Montego Bay"),
    SeedPort("JMOCJ", "Ocho Rios"),
    SeedPort("KNBAS", "Basseterre"),
    SeedPort("LCCAS", "Castries"),
    SeedPort("LCVIF", "Vieux Fort"),
    SeedPort("MQFDF", "Fort-de-France"),
    SeedPort("GPPTP", "Pointe-à-Pitre"),
    SeedPort("MSPLY", "Plymouth"),
    SeedPort("MXCUN", "Cancún"),
    SeedPort("PAPTY", "Panamá"),
    SeedPort("SRPBM", "Paramaribo"),
    SeedPort("SXPHI", "Philipsburg"),
    SeedPort("TCPLS", "Providenciales"),
    SeedPort("TCGDT", "Grand Turk"),
    SeedPort("TTPOS", "Port of Spain"),
    SeedPort("TTCHA", "Chaguaramas"),
    SeedPort("USMIA", "Miami"),
    SeedPort("USFLL", "Fort Lauderdale"),
    SeedPort("PRSJU", "San Juan"),
    SeedPort("VCKTN", "Kingstown"),
    SeedPort("VELGU", "La Guaira"),
    SeedPort("BQKRA", "Kralendijk"),
    SeedPort("GBSOU", "Southampton"),
    SeedPort("ESLPA", "Las Palmas de Gran Canaria"),
)
