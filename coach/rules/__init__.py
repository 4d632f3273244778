"""Coaching rules as data: schema, loading with clear errors, compilation to matchers."""

from coach.rules.loader import RuleSet, default_rules_dir, load_rules

__all__ = ["RuleSet", "default_rules_dir", "load_rules"]
