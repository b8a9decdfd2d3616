// guide: runners-backend permission-policy
