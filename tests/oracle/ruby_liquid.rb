# Render Liquid templates with Shopify's Ruby Liquid, one JSON request per line.
#
# Request:  {"template": "...", "data": {...}}
# Reply:    {"ok": true, "text": "..."} or {"ok": false, "error": "Liquid::SyntaxError: ..."}
#
# Parsing uses Liquid's default (lax) error mode and rendering uses `render!`, so an
# error raises instead of being written into the output. Data values tagged
# {"__ruby__": "time", "value": ISO-8601} become Ruby Time objects; everything else is
# JSON as Ruby's JSON library reads it (Integer, Float, String, Array, Hash, nil).
#
# Braze runs Liquid inside Rails, where ActiveSupport gives every object `blank?`; plain
# Ruby has none, which would make `x == blank` always false. The definitions below are
# ActiveSupport's rules (nil, false, empty and whitespace-only text are blank).
require "json"
require "time"
require "timeout"
require "liquid"

RENDER_SECONDS = 5

class Object
  def blank?
    respond_to?(:empty?) ? !!empty? : !self
  end
end

class String
  def blank?
    /\A[[:space:]]*\z/.match?(self)
  end
end

class Numeric
  def blank?
    false
  end
end

def ruby_value(value)
  case value
  when Hash
    if value["__ruby__"] == "time"
      Time.iso8601(value["value"])
    else
      value.transform_values { |v| ruby_value(v) }
    end
  when Array
    value.map { |v| ruby_value(v) }
  else
    value
  end
end

def render(request)
  template = Liquid::Template.parse(request.fetch("template"))
  text = Timeout.timeout(RENDER_SECONDS) do
    template.render!(ruby_value(request.fetch("data", {})), strict_variables: false)
  end
  text = text.dup.force_encoding(Encoding::UTF_8)
  return { "ok" => false, "error" => "invalid UTF-8 in output" } unless text.valid_encoding?
  { "ok" => true, "text" => text }
rescue Timeout::Error
  { "ok" => false, "error" => "timeout after #{RENDER_SECONDS} s" }
rescue StandardError, SystemStackError => e
  { "ok" => false, "error" => "#{e.class}: #{e.message}" }
end

$stdout.sync = true
$stdout.puts JSON.generate({ "ready" => Liquid::VERSION, "ruby" => RUBY_VERSION })
$stdin.each_line do |line|
  reply =
    begin
      render(JSON.parse(line))
    rescue JSON::ParserError => e
      { "ok" => false, "error" => "bad request: #{e.message}" }
    end
  $stdout.puts JSON.generate(reply)
end
