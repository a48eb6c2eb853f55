# The same computation as `trivsel score` in data.table: fread, score, fwrite (bench/score.bench.ts runs this).
#   Rscript bench/fread.R wide|long <in.csv> <out.csv> <threads>
# wide: PSS total (items 1, 2, 5, 6, 7, 8, 17, 18 reversed as 6 - x), not scorable when an item is blank
#       (PSS has no missing-item rule), n answered; one long output row per administration, trivsel's columns.
# long: ORS total per administration (sum of its rows' values), n answered; same columns.
suppressPackageStartupMessages(library(data.table))
a <- commandArgs(trailingOnly = TRUE)
setDTthreads(as.integer(a[4]))
if (a[1] == "wide") {
  d <- fread(a[2], sep = ",")
  items <- paste0("pss_", 1:18)
  m <- as.matrix(d[, ..items])
  rev <- c(1, 2, 5, 6, 7, 8, 17, 18)
  m[, rev] <- 6L - m[, rev]
  n <- rowSums(!is.na(m))
  out <- data.table(subject_id = d$subject_id, administered_on = d$administered_on, respondent = d$respondent,
    instrument = "pss", form = "", scale = "total", score = rowSums(m),
    status = ifelse(n == 18L, "scored", "not_scorable"), band = "", n_answered = n, n_items = 18L, flags = "")
} else {
  d <- fread(a[2], sep = ",")
  out <- d[, .(score = sum(value), n_answered = .N), by = .(subject_id, administered_on, respondent, instrument)]
  out <- out[, .(subject_id, administered_on, respondent, instrument, form = "", scale = "total", score,
    status = ifelse(n_answered == 4L, "scored", "not_scorable"), band = "", n_answered, n_items = 4L, flags = "")]
}
fwrite(out, a[3], na = "")
