"""Money after the decision: payment plans and batches, the association's report, repayment claims."""
