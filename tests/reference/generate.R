# Reference scores for the Likert instruments, computed independently of trivsel with psych::scoreItems.
# Writes tests/fixtures/r-reference/<instrument-id>.json, checked by tests/r-reference.test.ts.
#
#   Rscript tests/reference/generate.R        (run from the repository root)
#
# Needs R and the psych package (Debian: apt-get install r-base-core r-cran-psych). No jsonlite: JSON is
# written by hand so the script runs on a bare Debian R.
#
# Keys are written out here from the published/secondary scoring keys, NOT read from instruments/*.json,
# so that a wrong key in a definition file shows up as a disagreement.

suppressPackageStartupMessages(library(psych))

seed <- 20261123L
n_cases <- 300L
set.seed(seed)

out_dir <- file.path("tests", "fixtures", "r-reference")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

num <- function(x) {
  s <- sprintf("%.17g", x)
  if (any(!is.finite(x))) stop("non-finite value")
  s
}
jstr <- function(s) paste0('"', gsub('"', '\\\\"', s), '"')

# Uniform random complete administrations: one row per case, columns <prefix>1..<prefix>n.
simulate <- function(prefix, n_items, values) {
  m <- matrix(sample(values, n_cases * n_items, replace = TRUE), nrow = n_cases, ncol = n_items)
  colnames(m) <- paste0(prefix, seq_len(n_items))
  as.data.frame(m)
}

# scoreItems warns about totals without imputation (there is nothing to impute: data are complete) and
# about NaNs in its item-reliability statistics (random items are uncorrelated); neither touches $scores.
# Any other warning is let through.
score_items <- function(keys, items, ...) {
  withCallingHandlers(
    scoreItems(keys, items, impute = "none", ...),
    warning = function(w) {
      if (grepl("totals = TRUE without imputation|NaNs produced", conditionMessage(w))) invokeRestart("muffleWarning")
    }
  )
}

# psych::scoreItems with a keys list ("-" = reversed, as (min + max) - x).
psych_scores <- function(keys, items, min, max, totals) {
  sc <- score_items(keys, items, totals = totals, min = min, max = max)
  s <- sc$scores
  colnames(s) <- names(keys)
  s
}

# Plain R computation of the same scores, to check psych (and our use of it).
plain_scores <- function(keys, items, min, max, totals) {
  sapply(names(keys), function(k) {
    cols <- keys[[k]]
    rev <- startsWith(cols, "-")
    nm <- sub("^-", "", cols)
    v <- as.matrix(items[, nm, drop = FALSE])
    v[, rev] <- (min + max) - v[, rev]
    if (totals) rowSums(v) else rowMeans(v)
  })
}

check_equal <- function(a, b, what) {
  d <- max(abs(as.matrix(a) - as.matrix(b)))
  if (!is.finite(d) || d > 1e-12) stop(sprintf("%s: psych::scoreItems and rowSums/rowMeans differ by %g", what, d))
}

write_fixture <- function(id, responses, expected) {
  stopifnot(nrow(responses) == nrow(expected), nrow(responses) > 0)
  cases <- vapply(seq_len(nrow(responses)), function(i) {
    r <- paste0(jstr(colnames(responses)), ": ", as.integer(unlist(responses[i, ])), collapse = ", ")
    e <- paste0(jstr(colnames(expected)), ": ", num(as.numeric(expected[i, ])), collapse = ", ")
    sprintf('    { "responses": { %s }, "expected": { %s } }', r, e)
  }, character(1))
  txt <- c(
    "{",
    sprintf('  "generatedBy": %s,', jstr("tests/reference/generate.R")),
    sprintf('  "seed": %d,', seed),
    sprintf('  "r": %s,', jstr(R.version.string)),
    sprintf('  "psych": %s,', jstr(as.character(packageVersion("psych")))),
    sprintf('  "instrument": %s,', jstr(id)),
    '  "cases": [',
    paste(cases, collapse = ",\n"),
    "  ]",
    "}"
  )
  path <- file.path(out_dir, paste0(id, ".json"))
  writeLines(txt, path)
  cat(sprintf("%s: %d cases -> %s\n", id, nrow(responses), path))
}

# Instruments scored directly from the responses (sum or mean of items, some reversed).
likert <- list(
  # Berry & Jones (1995): 18 items 1-5, items 1, 2, 5, 6, 7, 8, 17, 18 reversed, total = sum (18-90).
  list(id = "pss", prefix = "pss_", n = 18, min = 1, max = 5, totals = TRUE,
       keys = list(total = c("-pss_1", "-pss_2", "pss_3", "pss_4", "-pss_5", "-pss_6", "-pss_7", "-pss_8",
                             paste0("pss_", 9:16), "-pss_17", "-pss_18"))),
  # Cox et al. (1987): box position 0-3; items 3, 5-10 scored 3 - x; EPDS-3A = items 3, 4, 5.
  list(id = "epds", prefix = "epds_", n = 10, min = 0, max = 3, totals = TRUE,
       keys = list(total = c("epds_1", "epds_2", "-epds_3", "epds_4", paste0("-epds_", 5:10)),
                   anxiety_3a = c("-epds_3", "epds_4", "-epds_5"))),
  # Guedeney & Fermanian (2001): 8 items 0-4, total = sum.
  list(id = "adbb", prefix = "adbb_", n = 8, min = 0, max = 4, totals = TRUE,
       keys = list(total = paste0("adbb_", 1:8))),
  # Matthey et al. (2013): 5 items 0-2, total = sum.
  list(id = "m-adbb", prefix = "madbb_", n = 5, min = 0, max = 2, totals = TRUE,
       keys = list(total = paste0("madbb_", 1:5))),
  # Luyten et al. (2017): 18 items 1-7, three subscale means; items 11 and 18 reversed (8 - x).
  list(id = "prfq", prefix = "prfq_", n = 18, min = 1, max = 7, totals = FALSE,
       keys = list(pre_mentalizing = paste0("prfq_", c(1, 4, 7, 10, 13, 16)),
                   certainty = c("prfq_2", "prfq_5", "prfq_8", "-prfq_11", "prfq_14", "prfq_17"),
                   interest_curiosity = c("prfq_3", "prfq_6", "prfq_9", "prfq_12", "prfq_15", "-prfq_18")))
)

for (spec in likert) {
  items <- simulate(spec$prefix, spec$n, spec$min:spec$max)
  # make.keys turns the keys list into the +1/-1 matrix; scoreItems is given that matrix.
  keymat <- make.keys(items, spec$keys)
  p <- score_items(keymat, items, totals = spec$totals, min = spec$min, max = spec$max)$scores
  colnames(p) <- names(spec$keys)
  p2 <- psych_scores(spec$keys, items, spec$min, spec$max, spec$totals)
  check_equal(p, p2, paste(spec$id, "(make.keys vs keys list)"))
  check_equal(p, plain_scores(spec$keys, items, spec$min, spec$max, spec$totals), spec$id)
  write_fixture(spec$id, items, p)
}

# RFQ-8 (Fonagy et al. 2016; scoring as distributed by UCL): items 1-7 recoded before averaging.
#   certainty:   items 1-6 with 1->3, 2->2, 3->1, 4..7->0
#   uncertainty: items 2, 4, 5, 6, 8 with 1..4->0, 5->1, 6->2, 7->3, and item 7 with the certainty map.
items <- simulate("rfq8_", 8, 1:7)
map_c <- c(3, 2, 1, 0, 0, 0, 0)
map_u <- c(0, 0, 0, 0, 1, 2, 3)
rec <- data.frame(
  c1 = map_c[items$rfq8_1], c2 = map_c[items$rfq8_2], c3 = map_c[items$rfq8_3],
  c4 = map_c[items$rfq8_4], c5 = map_c[items$rfq8_5], c6 = map_c[items$rfq8_6],
  u2 = map_u[items$rfq8_2], u4 = map_u[items$rfq8_4], u5 = map_u[items$rfq8_5],
  u6 = map_u[items$rfq8_6], u8 = map_u[items$rfq8_8], c7 = map_c[items$rfq8_7]
)
rfq_keys <- list(certainty = c("c1", "c2", "c3", "c4", "c5", "c6"),
                 uncertainty = c("u2", "u4", "u5", "u6", "u8", "c7"))
p <- psych_scores(rfq_keys, rec, 0, 3, FALSE)
plain <- cbind(
  certainty = rowMeans(cbind(map_c[items$rfq8_1], map_c[items$rfq8_2], map_c[items$rfq8_3],
                             map_c[items$rfq8_4], map_c[items$rfq8_5], map_c[items$rfq8_6])),
  uncertainty = rowMeans(cbind(map_u[items$rfq8_2], map_u[items$rfq8_4], map_u[items$rfq8_5],
                               map_u[items$rfq8_6], map_u[items$rfq8_8], map_c[items$rfq8_7]))
)
check_equal(p, plain, "rfq-8")
write_fixture("rfq-8", items, p)
