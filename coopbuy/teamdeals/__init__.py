"""Customer team deals: a team price when enough buyers join in time, built on campaigns."""
