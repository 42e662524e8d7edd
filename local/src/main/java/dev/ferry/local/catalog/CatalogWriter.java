package dev.ferry.local.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a catalog directory: {@code catalog.json}, {@code index.html} and {@code catalog-info.yaml}. */
public final class CatalogWriter {

    public static final String JSON_FILE = "catalog.json";
    public static final String HTML_FILE = "index.html";
    public static final String BACKSTAGE_FILE = "catalog-info.yaml";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CatalogWriter() {
    }

    /** @return the files written */
    public static List<Path> write(Catalog catalog, Path dir, String platformOwner) throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve(JSON_FILE);
        Path html = dir.resolve(HTML_FILE);
        Path backstage = dir.resolve(BACKSTAGE_FILE);
        Files.writeString(json, json(catalog) + "\n", StandardCharsets.UTF_8);
        Files.writeString(html, CatalogPage.render(catalog), StandardCharsets.UTF_8);
        Files.writeString(backstage, new BackstageExport(catalog, platformOwner).yaml(), StandardCharsets.UTF_8);
        return List.of(json, html, backstage);
    }

    public static String json(Object value) throws IOException {
        return JSON.writeValueAsString(value);
    }
}
