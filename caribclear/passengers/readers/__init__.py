"""Passenger and crew list readers: PAXLST (UN/EDIFACT) and CSV/XLSX for small operators."""
