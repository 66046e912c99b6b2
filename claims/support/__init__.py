"""How well the record supports each claim: rules in `assessment`, reads in `selectors`, writes in `services`."""
