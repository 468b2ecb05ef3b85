"""Checks that the knowledge base and the product catalogue describe the same products."""

from advisor.catalogue import Catalogue
from advisor.errors import DataFileError
from advisor.knowledge.documents import KnowledgeDocument
from advisor.knowledge.rules import ProductCaps, ProtectionSuggestion


def check_against_catalogue(documents: tuple[KnowledgeDocument, ...], catalogue: Catalogue) -> None:
    """Every catalogue product has a product document and every product a document or a rule
    names exists; a protection suggestion names an existing document. Raises `DataFileError`
    naming the file and the field."""
    ids = {document.meta.id for document in documents}
    described = {d.meta.product_id for d in documents if d.meta.product_id is not None}
    for document in documents:
        if document.meta.product_id is not None and document.meta.product_id not in catalogue:
            raise DataFileError(
                f"{document.path}: field 'product_id': {document.meta.product_id!r} is not in "
                "the product catalogue"
            )
        for rule in document.meta.rules:
            if isinstance(rule, ProductCaps):
                for product_id in rule.caps:
                    if product_id not in catalogue:
                        raise DataFileError(
                            f"{document.path}: field 'rules.{rule.id}.caps': {product_id!r} is "
                            "not in the product catalogue"
                        )
            if isinstance(rule, ProtectionSuggestion) and rule.product_doc not in ids:
                raise DataFileError(
                    f"{document.path}: field 'rules.{rule.id}.product_doc': no document "
                    f"{rule.product_doc!r}"
                )
    undocumented = [p.id for p in catalogue.products if p.id not in described]
    if undocumented:
        raise DataFileError(
            f"knowledge: no product document for {', '.join(undocumented)} "
            "(a document with kind: product and that product_id)"
        )
