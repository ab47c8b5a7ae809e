-- The PostgreSQL twin of infra/migrations/sqlite/0013_valuation_places.sql: the same index.
-- Finding a dwelling by pickers (district → community → building → room): the
-- communities of a division, with their buildings and dwelling counts, are read from
-- this index alone (ordered by community, so pages follow a keyset). The buildings of
-- a community and their dwellings use dwellings_community (0002).
CREATE INDEX IF NOT EXISTS dwellings_division_community
    ON dwellings (division_code, community_id, building_id);
