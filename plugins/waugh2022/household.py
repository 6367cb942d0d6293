"""The household problem of Waugh (2022), eq. (4)-(11): the core's discrete-choice EGM.

Households in country i hold assets ``a >= -phi_i``, have efficiency units ``z`` on a Markov
chain and pick one of the M national varieties at unit price ``p_ij`` (eq. 3) under logit taste
shocks; that is :mod:`equilibria.household.egm` with the varieties as the options.
"""
from equilibria.household.egm import (consumption_equivalent, euler_errors, solve_household,  # noqa: F401
                                      utility, value_parts)

__all__ = ["solve_household", "utility", "euler_errors", "value_parts", "consumption_equivalent"]
