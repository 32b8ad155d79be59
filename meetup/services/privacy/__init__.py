"""Who sees whom: every privacy fact, each decided once, over the models alone.

Just above the models in the stack, so every domain may ask it and it asks
none of them: a rule about who may see a person cannot depend on the page
that shows them."""
