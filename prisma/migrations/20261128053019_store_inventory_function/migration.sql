-- Issue 11: a snapshot store is one round trip. Replacing a host's inventory was a transaction of
-- about 17 statements (BEGIN, the host row, seven DELETEs, seven INSERTs, COMMIT); at 5,000 agents
-- connecting at once the control plane spent most of its time sending them, not PostgreSQL running
-- them. This function does the same work as one statement, so it is atomic on its own: readers see
-- the old inventory or the new one, never a mix, and a failure anywhere keeps the old one.
--
-- "tables" holds one array of rows per inventory table, each row carrying every column (as
-- insertRows sends them). An unchanged hash only touches lastSeenAt and returns false. The first
-- UPDATE locks the host row, so two writers of one host take turns.
CREATE FUNCTION "vfleet_store_inventory"(
  host_id text, new_hash text, scanned_at timestamp(3), seen_at timestamp(3),
  new_hostname text, new_facts jsonb, new_capacity jsonb, tables jsonb
) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Host" SET "lastSeenAt" = seen_at WHERE id = host_id AND "snapshotHash" = new_hash;
  IF FOUND THEN
    RETURN false;
  END IF;
  UPDATE "Host" SET hostname = new_hostname, "snapshotHash" = new_hash, "snapshotAt" = scanned_at,
    "lastSeenAt" = seen_at, facts = new_facts, capacity = new_capacity
  WHERE id = host_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'vfleet: no host with id %', host_id USING ERRCODE = 'no_data_found';
  END IF;
  -- Children first, then parents; inserts the other way round (foreign keys).
  DELETE FROM "GuestHostdev" WHERE "hostId" = host_id;
  DELETE FROM "Guest" WHERE "hostId" = host_id;
  DELETE FROM "NetInterface" WHERE "hostId" = host_id;
  DELETE FROM "VirtualFunction" WHERE "hostId" = host_id;
  DELETE FROM "PhysicalFunction" WHERE "hostId" = host_id;
  DELETE FROM "PciDevice" WHERE "hostId" = host_id;
  DELETE FROM "IommuGroup" WHERE "hostId" = host_id;
  INSERT INTO "IommuGroup" SELECT * FROM jsonb_populate_recordset(NULL::"IommuGroup", tables->'IommuGroup');
  INSERT INTO "PciDevice" SELECT * FROM jsonb_populate_recordset(NULL::"PciDevice", tables->'PciDevice');
  INSERT INTO "PhysicalFunction" SELECT * FROM jsonb_populate_recordset(NULL::"PhysicalFunction", tables->'PhysicalFunction');
  INSERT INTO "VirtualFunction" SELECT * FROM jsonb_populate_recordset(NULL::"VirtualFunction", tables->'VirtualFunction');
  INSERT INTO "NetInterface" SELECT * FROM jsonb_populate_recordset(NULL::"NetInterface", tables->'NetInterface');
  INSERT INTO "Guest" SELECT * FROM jsonb_populate_recordset(NULL::"Guest", tables->'Guest');
  INSERT INTO "GuestHostdev" SELECT * FROM jsonb_populate_recordset(NULL::"GuestHostdev", tables->'GuestHostdev');
  RETURN true;
END $$;
