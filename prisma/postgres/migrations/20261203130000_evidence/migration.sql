-- CreateTable
CREATE TABLE "Evidence" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "size" INTEGER,
    "contentType" TEXT,
    "sha256" TEXT,
    "storagePath" TEXT,
    "url" TEXT,
    "reporterId" TEXT NOT NULL,
    "reporterName" TEXT,
    "chatId" TEXT,
    "messageId" TEXT,
    "fileKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Evidence_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Evidence_taskId_unitId_idx" ON "Evidence"("taskId", "unitId");

-- CreateIndex
CREATE UNIQUE INDEX "Evidence_taskId_unitId_sha256_key" ON "Evidence"("taskId", "unitId", "sha256");

-- CreateIndex
CREATE UNIQUE INDEX "Evidence_messageId_fileKey_key" ON "Evidence"("messageId", "fileKey");

-- CreateIndex
CREATE UNIQUE INDEX "Evidence_messageId_url_key" ON "Evidence"("messageId", "url");
