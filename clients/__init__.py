"""Case files: clients, households, housing situation (ETHOS), incomes, consents,
consultations, debts."""
