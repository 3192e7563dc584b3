"""The yearly cycle of folkeoplysning: reporting campaigns, annual reports, subsidy schemes and batches."""
