"""The Order Desk v2 wire format: request models (`models`), response shapes (`wire`) and the
query-string codecs other doors share (`cursor`, `id_list`)."""
