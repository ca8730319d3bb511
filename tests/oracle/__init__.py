"""The differential tier: Shopify's Ruby Liquid as the reference for standard Liquid."""
