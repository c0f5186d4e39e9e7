-- CreateTable
CREATE TABLE "Extension" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "milestoneKey" TEXT NOT NULL,
    "occurrence" TEXT NOT NULL,
    "fromDue" TEXT NOT NULL,
    "newDue" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "requesterId" TEXT NOT NULL,
    "requesterName" TEXT,
    "chatId" TEXT,
    "messageId" TEXT,
    "via" TEXT NOT NULL,
    "dedupeKey" TEXT,
    "decidedBy" TEXT,
    "decidedByName" TEXT,
    "decidedAt" TIMESTAMP(3),
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Extension_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Extension_dedupeKey_key" ON "Extension"("dedupeKey");

-- CreateIndex
CREATE INDEX "Extension_taskId_unitId_idx" ON "Extension"("taskId", "unitId");

-- CreateIndex
CREATE INDEX "Extension_status_idx" ON "Extension"("status");
