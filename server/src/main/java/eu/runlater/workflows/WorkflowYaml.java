package eu.runlater.workflows;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.NulCharacters;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Workflow definitions as YAML, the same document as the JSON one ({@code application/yaml} on
 * {@code POST}/{@code PUT /api/v1/workflows}, and {@code GET} with {@code Accept:
 * application/yaml}). A YAML document reads into the JSON tree the JSON API takes, so validation
 * names the same fields.
 *
 * <p>Read defensively, because a YAML parser does more than a JSON one: anchors and aliases are
 * refused outright (an alias bomb expands nothing here: a definition has no use for them), as are
 * duplicate keys; the document is at most {@link #MAX_CODE_POINTS} characters (the platform's body
 * limit is tighter still), at most {@link #MAX_DEPTH} levels deep, and one document only.
 */
@Component
class WorkflowYaml {
  static final String YAML_VALUE = "application/yaml";
  static final int MAX_CODE_POINTS = 1024 * 1024;
  static final int MAX_DEPTH = 64;

  private final YAMLMapper yaml;
  private final JsonMapper json;

  WorkflowYaml(JsonMapper json) {
    this.json = json;
    LoadSettings load =
        LoadSettings.builder()
            .setAllowDuplicateKeys(false)
            .setAllowRecursiveKeys(false)
            .setMaxAliasesForCollections(0)
            .setAllowNonScalarKeys(false)
            .setCodePointLimit(MAX_CODE_POINTS)
            .build();
    YAMLFactory factory =
        YAMLFactory.builder()
            .loadSettings(load)
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .build();
    this.yaml = YAMLMapper.builder(factory).build();
  }

  /** The definition a YAML body holds, as the JSON tree the JSON API reads; 400 when it is none. */
  JsonNode read(byte[] body) {
    if (body == null || body.length == 0) {
      throw malformed("This request needs a YAML body: the workflow definition.");
    }
    try {
      refuseAnchors(body);
      JsonNode doc = yaml.readTree(body);
      if (doc == null || doc.isMissingNode()) {
        throw malformed("This request needs a YAML body: the workflow definition.");
      }
      // YAML's "\0" is a NUL character, which no definition can be stored with.
      NulCharacters.refuse(doc, "");
      return doc;
    } catch (JacksonException e) {
      throw malformed(
          "The body is not valid YAML: " + e.getOriginalMessage() + at(e.getLocation()));
    }
  }

  /** A view (or any API value) as YAML, its fields named as in the JSON answer. */
  String write(Object value) {
    // Through the application's JSON tree first: the same names (snake_case) and values as JSON.
    return yaml.writeValueAsString(json.valueToTree(value));
  }

  private void refuseAnchors(byte[] body) {
    int documents = 0;
    int depth = 0;
    try (JsonParser p = yaml.createParser(body)) {
      YAMLParser parser = (YAMLParser) p;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (parser.isCurrentAlias() || parser.getObjectId() != null) {
          throw malformed(
              "Anchors and aliases (&name, *name) are not accepted in a workflow definition;"
                  + " write each value out"
                  + at(parser.currentTokenLocation())
                  + ".");
        }
        if (depth == 0) {
          documents++;
        }
        if (token.isStructStart()) {
          depth++;
        } else if (token.isStructEnd()) {
          depth--;
        }
      }
    }
    if (documents > 1) {
      throw malformed("The body holds several YAML documents; send one definition.");
    }
  }

  private static String at(TokenStreamLocation location) {
    return location == null || location.getLineNr() < 0
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static ApiProblem malformed(String detail) {
    return new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", detail);
  }
}
