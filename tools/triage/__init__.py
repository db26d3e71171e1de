"""Triage models and features: category, priority and who must act.

The triage engines (embedded and LLM), the learned judgement and its tuning data, priority
from impact and urgency, the default taxonomy and label maps, a team's own trained model
with its features and training files, and triage evaluation.
"""
