"""Support network: providers, their services and territory, referrals, assistance plans,
check-ins."""
