"""Flask app factory, blueprints, CLI and highlight rendering. Nothing imports this package."""
