// See parse.hpp.
#include "json/parse.hpp"

namespace tf {

nlohmann::json parse_json_text(std::string_view text) {
  nlohmann::json out;
  nlohmann::detail::json_sax_dom_parser<nlohmann::json> builder(out, /*allow_exceptions=*/false);
  // strict: the whole text must be one value, as json::parse requires.
  const bool ok = nlohmann::json::sax_parse(text.data(), text.data() + text.size(), &builder,
                                            nlohmann::json::input_format_t::json, /*strict=*/true);
  if (!ok || builder.is_errored()) out = nlohmann::json(nlohmann::json::value_t::discarded);
  return out;
}

}  // namespace tf
