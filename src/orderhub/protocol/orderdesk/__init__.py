"""The Order Desk v2 wire format: request models (`models`), response shapes (`wire`), the
query-string codecs other doors share (`cursor`, `id_list`) and the webhook POST (`webhook`)."""
