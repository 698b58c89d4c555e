CREATE TABLE "audit_logs" (
  "id" INTEGER NOT NULL CONSTRAINT "pk_audit_logs" PRIMARY KEY AUTOINCREMENT,
  "entity_type" VARCHAR(100) NOT NULL,
  "entity_id" VARCHAR(100) NOT NULL,
  "action" VARCHAR(20) NOT NULL,
  "description" TEXT,
  "old_values" TEXT,
  "new_values" TEXT,
  "user_id" INTEGER,
  "username" VARCHAR(255),
  "ip_address" VARCHAR(45),
  "user_agent" TEXT,
  "request_id" VARCHAR(100),
  "created_at" TIMESTAMP NOT NULL
);
CREATE TABLE "categories" (
  "id" INTEGER NOT NULL CONSTRAINT "pk_categories" PRIMARY KEY AUTOINCREMENT,
  "name" VARCHAR(100) NOT NULL,
  "parent_id" INTEGER,
  CONSTRAINT "fk_categories_parent_id" FOREIGN KEY ("parent_id") REFERENCES "categories" ("id") ON DELETE SET NULL
);
CREATE TABLE "products" (
  "id" INTEGER NOT NULL CONSTRAINT "pk_products" PRIMARY KEY AUTOINCREMENT,
  "name" VARCHAR(200) NOT NULL,
  "price" NUMERIC NOT NULL,
  "description" TEXT,
  "sku" VARCHAR(64) NOT NULL,
  "category_id" INTEGER NOT NULL,
  "status" VARCHAR(20) NOT NULL DEFAULT 'active',
  "created_at" TIMESTAMP,
  "updated_at" TIMESTAMP,
  "deleted_at" TIMESTAMP,
  CONSTRAINT "fk_products_category_id" FOREIGN KEY ("category_id") REFERENCES "categories" ("id") ON DELETE RESTRICT,
  CONSTRAINT "chk_products_price" CHECK (price >= 0)
);
CREATE TABLE "users" (
  "id" INTEGER NOT NULL CONSTRAINT "pk_users" PRIMARY KEY AUTOINCREMENT,
  "email" VARCHAR(255) NOT NULL,
  "display_name" VARCHAR(100) NOT NULL,
  "password_hash" VARCHAR(255) NOT NULL,
  "is_admin" BOOLEAN NOT NULL DEFAULT false,
  "created_at" TIMESTAMP,
  "updated_at" TIMESTAMP,
  "deleted_at" TIMESTAMP
);
CREATE TABLE "posts" (
  "id" INTEGER NOT NULL CONSTRAINT "pk_posts" PRIMARY KEY AUTOINCREMENT,
  "author_id" INTEGER NOT NULL,
  "title" VARCHAR(200) NOT NULL,
  "slug" VARCHAR(200) NOT NULL,
  "body" TEXT NOT NULL,
  "published_at" TIMESTAMP,
  "created_at" TIMESTAMP,
  "updated_at" TIMESTAMP,
  CONSTRAINT "fk_posts_author_id" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE INDEX "idx_audit_logs_created_at" ON "audit_logs" ("created_at");
CREATE INDEX "idx_audit_logs_entity_type_entity_id" ON "audit_logs" ("entity_type", "entity_id");
CREATE INDEX "idx_audit_logs_user_id" ON "audit_logs" ("user_id");
CREATE UNIQUE INDEX "uq_categories_name" ON "categories" ("name");
CREATE INDEX "idx_posts_author_id" ON "posts" ("author_id");
CREATE INDEX "idx_posts_author_published" ON "posts" ("author_id", "published_at");
CREATE UNIQUE INDEX "uq_posts_slug" ON "posts" ("slug");
CREATE INDEX "idx_products_cat_status" ON "products" ("category_id", "status");
CREATE INDEX "idx_products_category_id" ON "products" ("category_id");
CREATE UNIQUE INDEX "uq_products_sku" ON "products" ("sku") WHERE "deleted_at" IS NULL;
CREATE UNIQUE INDEX "uq_users_email" ON "users" ("email") WHERE "deleted_at" IS NULL;
