-- Every placement asks where its guest is defined, by name alone: without this index each
-- request scanned every host's guests.
CREATE INDEX "Guest_name_idx" ON "Guest"("name");
