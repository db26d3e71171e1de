"""Support reports, dashboard, playbook and summary, computed from a run."""
