//! Products (营销产品, PROD-1..5): the catalog's vocabularies, the suitability rule (适当性), and its SQL.
