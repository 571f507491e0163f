"""现场检验检疫与处置: findings per item, samples, photos, conclusion, disposition, signature."""
