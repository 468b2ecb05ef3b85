"""Tax-aware trading for taxable accounts: tax lots, rates, the wash-sale guard, tax-loss
harvesting, tax-aware rebalancing and the decision preview before a sale. Pure computation."""
