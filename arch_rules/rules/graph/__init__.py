"""Rules about chains and cycles (ARC201–ARC207): what a single file cannot show. The graph engine
(arch_rules/graph/) finds the broken contracts; each rule here words the findings of one contract type."""
