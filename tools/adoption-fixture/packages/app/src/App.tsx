// guide: runners new-frontend-system
