-- A host coming back from maintenance is a candidate again, as one coming back online is: move
-- the candidate version so a prefilter answer shared before the change is not used after it.
DROP TRIGGER "Host_candidate" ON "Host";
CREATE TRIGGER "Host_candidate" AFTER UPDATE OF online, "removedAt", "maintenanceAt" ON "Host"
  FOR EACH ROW WHEN (NEW.online IS DISTINCT FROM OLD.online OR NEW."removedAt" IS DISTINCT FROM OLD."removedAt"
    OR NEW."maintenanceAt" IS DISTINCT FROM OLD."maintenanceAt")
  EXECUTE FUNCTION "vfleet_bump_candidate_version"();
