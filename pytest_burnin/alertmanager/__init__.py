"""An embedded Alertmanager: routing, inhibition, time intervals and notification rendering."""
