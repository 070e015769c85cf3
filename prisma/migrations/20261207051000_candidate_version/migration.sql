-- The placement prefilter's answer is shared for a moment between concurrent requests in a
-- process; this sequence moves whenever a host could have become a better candidate than it
-- was (more capacity in a node's sums, a host added, back online or relabelled), so a shared
-- answer older than the change is not used. Less capacity (a reservation) does not move it:
-- each placement ranks the candidates on their current counts and decides on their rows.
CREATE SEQUENCE "vfleet_candidate_version";

CREATE FUNCTION "vfleet_bump_candidate_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nextval('vfleet_candidate_version');
  RETURN NULL;
END $$;

-- Row level: an upsert's statement-level INSERT trigger would fire for rows it only updated.
CREATE TRIGGER "NodeCapacity_more" AFTER INSERT ON "NodeCapacity"
  FOR EACH ROW EXECUTE FUNCTION "vfleet_bump_candidate_version"();
CREATE TRIGGER "NodeCapacity_grew" AFTER UPDATE ON "NodeCapacity"
  FOR EACH ROW WHEN (NEW.available > OLD.available OR NEW.pfs > OLD.pfs OR NEW.ready > OLD.ready OR NEW.bindable > OLD.bindable
    OR NEW."portDown" IS DISTINCT FROM OLD."portDown")
  EXECUTE FUNCTION "vfleet_bump_candidate_version"();
CREATE TRIGGER "Host_candidate" AFTER UPDATE OF online, "removedAt" ON "Host"
  FOR EACH ROW WHEN (NEW.online IS DISTINCT FROM OLD.online OR NEW."removedAt" IS DISTINCT FROM OLD."removedAt")
  EXECUTE FUNCTION "vfleet_bump_candidate_version"();
CREATE TRIGGER "HostLabel_candidate" AFTER INSERT OR UPDATE OR DELETE ON "HostLabel"
  FOR EACH STATEMENT EXECUTE FUNCTION "vfleet_bump_candidate_version"();
