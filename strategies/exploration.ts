/**
 * Exploration priced with the utility a learning strategy optimises (issue #19 §4): trying an
 * untried target and the periodic revisit of a target left alone both cost a call, so they are
 * spent only where the call could pay off under the user's weights. Internal to `strategies/`
 * (`adaptive` and `intelligent` use it).
 */

/**
 * Whether trying a candidate is hopeless for this request: even instant and never failing, its
 * known cost penalty (`wC × USD` for this request at its live price) alone makes its utility
 * lower than `best`, the best expected utility among the candidates with data. Such a candidate
 * is neither tried first nor revisited for this request (a request it could win, or a price cut,
 * makes it worth a try again). False while no candidate has data (`best` = −Infinity).
 */
export function hopeless(costPenalty: number, best: number): boolean {
  return -costPenalty < best;
}
