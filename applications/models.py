"""The school's 3-year plan (計畫書), its budget and its submission."""
