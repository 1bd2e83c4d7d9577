"""Store-edited templates: customer emails and printable documents, rendered by Jinja2 in
its sandbox over the order as the Order Desk API shows it (docs/templates.md)."""
