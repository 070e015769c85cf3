-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "ownerId" TEXT;

-- CreateTable
CREATE TABLE "ControlPlaneProcess" (
    "id" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ControlPlaneProcess_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Job_state_hostId_idx" ON "Job"("state", "hostId");

-- Job dispatch is pushed (issue 11): a job becoming deliverable, or finishing (a queued job of
-- the same plan on another host may now have its dependencies met), notifies channel
-- `vfleet_jobs` with the host ids to look at. NOTIFY is sent at commit of the transaction that
-- made the change, so a listener never sees a job its transaction could not read yet;
-- PostgreSQL folds identical notifications of one transaction into one.
CREATE FUNCTION "vfleet_notify_job"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.state = NEW.state THEN
    RETURN NULL;
  END IF;
  IF NEW.state IN ('dispatched', 'running') THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('vfleet_jobs', NEW."hostId");
  IF NEW."planId" IS NOT NULL AND NEW.state NOT IN ('queued', 'unknown') THEN
    PERFORM pg_notify('vfleet_jobs', h."hostId")
      FROM (SELECT DISTINCT "hostId" FROM "Job" WHERE "planId" = NEW."planId" AND state = 'queued' AND "hostId" <> NEW."hostId") h;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Job_notify" AFTER INSERT OR UPDATE OF state ON "Job"
  FOR EACH ROW EXECUTE FUNCTION "vfleet_notify_job"();
