-- AlterEnum
ALTER TYPE "JobState" ADD VALUE 'abandoned';
