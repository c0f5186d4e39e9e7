-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN "claimedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Progress" ADD COLUMN "dedupeKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Progress_dedupeKey_key" ON "Progress"("dedupeKey");
