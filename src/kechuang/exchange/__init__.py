"""Excel (.xlsx) and CSV exchange: templates, imports and exports for every aggregate.

One declarative column spec per aggregate (:mod:`kechuang.exchange.aggregates`) drives the
template, the importer and the exporter, so the three can never disagree about a column. The
exchange layer calls services only (never the store): imports go through the same validation as
the web and API create paths.
"""
