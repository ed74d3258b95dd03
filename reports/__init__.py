"""Municipal reporting: indicators, dashboards, the monthly PDF and exports. Nothing imports it."""
