"""Messages that are not an edit: greetings, thanks, "what can you do?", questions about the picture,
requests to break the rules. They get an answer (what can be done on this picture, naming its labels)
and never an edit: their words never become a prompt."""

from __future__ import annotations

import re

from .labels import names_of
from .tokens import Tok

_GREETING_EN = re.compile(r"^(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day|night)|bye|"
                          r"goodbye|bye bye|see you(?: later)?|see ya|cya|hi there|hello "
                          r"there|hey there|sup|what's up|whats up)\b[\s!,.]*(?:there|friend|bot|buddy|again)?[\s!,.]*$")
_THANKS_EN = re.compile(r"^(?:(?:ok|okay|great|cool|nice|perfect|awesome|lovely|good|wow|amazing|excellent|brilliant|"
                        r"fantastic|wonderful|love it|i love it|(?:(?:that|it|this) )?looks (?:really |so |very )?(?:great|good|nice|"
                        r"amazing|perfect|awesome|beautiful|fine)|that'?s (?:great|"
                        r"good|nice|perfect|it|all)|that is (?:great|good|nice|perfect|it|all)|well done|good job|nice job|"
                        r"beautiful|sweet|yes|yeah|yep|fine|all good|done|no thanks)[\s!,.]*)*(?:thanks?(?: you)?(?: "
                        r"(?:so|very) much)?(?: a lot)?(?: for (?:the|your|all the|all your) (?:help|edits?|work))?|thx|ty|"
                        r"cheers|much appreciated|appreciate it)?[\s!,.]*$")
_ABOUT_EN = re.compile(r"\b(?:how (?:do|can) i (?:undo|redo|use|start|begin|save|download|export|upload|go back)|"
                       r"who are you|what are you|what can you do|what do you do|what can i do|what can i ask|"
                       r"how does (?:this|it) work|how do i use|how to use|what are your (?:features|abilities|skills)|"
                       r"help me\W*$|^help\b|what (?:edits|changes) can|what should i (?:do|try|change)|any (?:ideas|"
                       r"suggestions)|are you (?:a bot|an ai|human|real)|your name|what model|how are you|"
                       r"do you (?:speak|understand))")
# "can you change the lighting in a photo?": what it can do, asked of any picture (not this one)
_CAN_IN_ANY = re.compile(r"^(?:hey |hi |so |and )?(?:quick question,? )?(?:can|could) (?:you|u|it|this(?: thing| app| tool| extension)?) "
                         r"(?:do|make) (?:face ?swaps|[a-z]+ (?:edits|swaps|effects|filters))$|"
                         r"\b(?:can|could) (?:you|u|it) (?:change|edit|fix|touch up) (?:stuff|things|bits) in\b|"
                         r"^(?:hey |hi |so )?(?:can|could) (?:you|u) help me(?: out)?(?: with)? (?:my |this |a |the )?[a-z' ]{0,30}(?:pic|picture|photo|image)s?$|"
                         r"\b(?:can|could) (?:you|u|it|this|this tool) [a-z ]{1,30}\b(?:in|of|on) (?:a|any) (?:photo|picture|image|pic)\b|"
                         r"\bis it possible to [a-z ]{1,30}\b(?:in|of|on) (?:a|any) (?:photo|picture|image|pic)\b")
_INJECTION_EN = re.compile(r"\b(?:(?:ignore|forget|override|bypass) (?:all |any |the |your )?(?:previous|prior|above|earlier|"
                           r"former|system)?\s*"
                           r"(?:rules|instructions|prompts?|directions|constraints)|disregard (?:all |your |the )?"
                           r"(?:rules|instructions)|system prompt|developer mode|jailbreak|you are now|pretend (?:to be|you)|"
                           r"act as (?:a|an) |reveal (?:your|the) |print (?:your|the) (?:prompt|instructions)|"
                           r"(?:set|change|put|use) (?:the |your )?(?:denoising |sampling )?(?:strength|denoising|cfg|"
                           r"cfg scale|steps|seed|sampler|checkpoint|model|lora|negative prompt)\b|"
                           r"target (?:the )?(?:file|path)|rm -rf|sudo |/etc/|\.\./|passwd|api[_ ]?key|(?:reveal|show|give|tell|print|send|leak|what(?:'s| is)) (?:me )?(?:the |your |a |an )?(?:admin |root |server |system )?password|"
                           r"(?:delete|remove|wipe|erase|read|show|open) (?:the |all |your )?(?:server|system|config|"
                           r"database)(?: files?)?\b|"
                           r"<script|drop table|select \* from|\{\{|\}\})")
_GREETING_ZH = re.compile(r"^(?:你好|您好|嗨|哈喽|哈啰|hello|hi|早上好|下午好|晚上好|早安|晚安|在吗|在不在|再见|拜拜)[呀啊哦吗！!，,。~\s]*$")
_THANKS_ZH = re.compile(r"^(?:(?:好的|好|不错|很好|太好了|完美|可以|挺好|行|棒|真棒|漂亮|满意|就这样|没问题|ok|OK)[了啊呀啦！!，,。~\s]*)*"
                        r"(?:谢谢|多谢|感谢|谢了|谢啦|辛苦了|thx|thanks)?[你您啦了呀！!，,。~\s]*"
                        r"(?:(?:今天|那)?(?:就|先)?(?:到这|到这里|到此|这样)(?:吧|了|啦)?[！!，,。~\s]*)?$")  # 好啦谢谢你，今天先到这
_ABOUT_ZH = re.compile(r"你是谁|你叫什么|你能做什么|你会什么|你可以做什么|能做什么|可以做什么|会做什么|怎么用|如何使用|有什么功能|"
                       r"帮助|你是机器人|你是ai|有什么建议|怎么改比较好|改什么好")
_INJECTION_ZH = re.compile(r"忽略.{0,8}(?:规则|指令|指示|提示|设定|要求)|系统提示|越狱|开发者模式|"
                           r"把强度设|强度设为|强度改成|/etc/|\.\./|密码|密钥|你现在是|扮演")
# a moving picture: a video, a gif, an animation ("animate it so the train pulls away", 做成一段视频)
_MOTION = re.compile(r"\b(?:animate|gifs?|videos?(?! game)|make (?:it|them|him|her) move|moving picture)\b|"
                     r"视频|动图|动起来|会动")  # not an animation style (宫崎骏动画风, "like a video game")
# a pause with nothing asked yet ("hmm, let me think", "never mind")
_PAUSE_EN = re.compile(r"^(?:(?:hmm+|um+|uh+|erm|well|ok|okay|so)[\s,.]*)*(?:let me think|hold on|wait(?: a (?:sec|second|"
                       r"moment|minute))?|one (?:sec|second|moment)|give me a (?:sec|second|moment|minute)|never ?mind|"
                       r"nothing|forget it|not sure|i don'?t know|idk|maybe later)?[\s!,.]*$")
_PAUSE_ZH = re.compile(r"^(?:嗯+|呃+|额+|那个|让我想想|我想想|等一下|等等|算了吧|没事了?|不用了|不知道|再说吧)[，,。.！!…\s]*$")
EDIT_EN = re.compile(r"\b(?:make|change|turn|remove|erase|delete|add|put|replace|swap|blur|brighten|darken|paint|dye|"
                      r"give|recolou?r|edit|fix|convert|transform|undo|redo|crop|rotate|flip|mirror|resize|upscale|sharpen|"
                      r"pixelate|apply|get rid)\b")


def chat_kind(t: str, zh: bool, toks: list[Tok]) -> str:
    """'greeting', 'thanks', 'about' (what it is, what it can do), 'pause' ("hmm, let me think"), 'injection'
    (a request to break the rules), 'motion' (a video or an animation), or '' for a message that may be an edit."""
    if _INJECTION_EN.search(t) or (zh and _INJECTION_ZH.search(t)):
        return "injection"
    if _MOTION.search(t):
        return "motion"
    if zh or re.search(r"[\u3400-\u9fff]", t):
        if _GREETING_ZH.match(t):
            return "greeting"
        if _ABOUT_ZH.search(t):
            return "about"
        if _THANKS_ZH.match(t) and t.strip():
            return "thanks"
        return "pause" if _PAUSE_ZH.match(t) else ""
    words = [p for p in re.split(r"[,.!?;]+\s*", t) if p.strip()]
    if words and all(_GREETING_EN.match(p) or _ABOUT_EN.search(p) or _THANKS_EN.match(p) for p in words):
        if any(_ABOUT_EN.search(p) for p in words):
            return "about"
        return "greeting" if any(_GREETING_EN.match(p) for p in words) else "thanks"
    if (_ABOUT_EN.search(t) and not EDIT_EN.search(t)) or _CAN_IN_ANY.search(t):
        return "about"
    return "pause" if _PAUSE_EN.match(t) and t.strip() else ""


def chat_answer(kind: str, labels: list[str], zh: bool, generative: bool = True) -> dict[str, str]:
    """A clarify instruction whose question answers `kind` and says what can be done on this picture:
    replacing parts and restyling only where a generative backend can run them (`generative`)."""
    seen = [x for x in dict.fromkeys(labels) if x != "user_mask"]
    names = names_of(seen, zh)[:300]
    if zh:
        head = {"greeting": "你好！我可以用文字帮你修改这张图。", "thanks": "不客气！",
                "about": "我是图片编辑助手：说出你想怎么改，我来修改这张图。",
                "injection": "这个请求我不能照做，我只会按规则编辑图片。",
                "question": "我只能编辑图片，不能回答关于图片的问题。", "pause": "不着急。",
                "motion": "我只能编辑静态图片，做不了视频或动图。"}.get(kind, "")
        can = "换颜色、去掉东西、替换背景、调亮度、虚化、裁剪、旋转、翻转、缩放或换风格" if generative else \
            "换颜色、去掉小东西、调亮度、虚化、打码、黑白、滤镜、裁剪、旋转、翻转或缩放"
        what = (f"图里有：{names}。" if names else "") + f"可以{can}，比如“把背景虚化”。你想改哪里？"
        return {"operation": "clarify", "targets": [], "question": head + what}
    head = {"greeting": "Hello! I edit this picture from what you write.", "thanks": "You're welcome!",
            "about": "I'm a photo editor: tell me what to change and I edit the picture.",
            "injection": "I can't do that; I only edit the picture, within its rules.",
            "question": "I can only edit the picture, not answer questions about it.",
            "pause": "Take your time.",
            "motion": "I can only edit still pictures, not make a video or an animation."}.get(kind, "")
    example = f"“blur the {names_of(seen[-1:], False)}”" if seen else "“make it brighter”"
    can = ("recolour, remove or replace parts, change the background, adjust brightness or blur, crop, rotate, "
           "flip, resize or restyle it") if generative else \
        ("recolour parts, remove small things, adjust brightness, blur, pixelate, turn it black and white, add a "
         "filter, crop, rotate, flip or resize it")
    what = (f" In this picture I can see: {names}." if names else "") + \
        f" I can {can}, e.g. {example}. What would you like to change?"
    return {"operation": "clarify", "targets": [], "question": head + what}


_QUESTION_EN = re.compile(r"^(?!what if|what about|how about|what would|how would|what will|what'd)"
                          r"(?:what|what's|whats|which|who|who's|whose|where|why|how many|how much|how old|is there|"
                          r"are there|is this|is that|is it|is she|is he|are they|are these|does|do you see|"
                          r"can you see|could you tell|can you tell|tell me|describe|explain|identify)\b")
_QUESTION_ZH = re.compile(r"什么|几个|几只|几辆|几位|多少|哪里|哪儿|哪个|哪些|是谁|谁|是不是|有没有|描述|介绍|识别|怎么样|为什么|"
                          r"看到|看见|[吗嘛][?？]?$")
_EDIT_WORDS_ZH = re.compile(r"[把将改换变删加调弄修抠擦染涂刷画放戴穿让p]|去掉|去除|虚化|模糊|撤销|美白|磨皮|打码")


def is_question(t: str, zh: bool, toks: list[Tok]) -> bool:
    """'what's in this picture?', '图里有几个人': a question about the picture, not an edit."""
    if any(x.cat in ("adjust", "style", "filter", "gray", "scene") for x in toks):
        return False
    if zh:
        return bool(_QUESTION_ZH.search(t)) and not _EDIT_WORDS_ZH.search(t)
    return bool(_QUESTION_EN.match(re.sub(r"^(?:(?:wait|hmm+|um+|oh|so|hey)[\s,.!]+)+", "", t))) and not EDIT_EN.search(t)


_CHATTY_EN = {"what", "about", "how", "who", "why", "hello", "hi", "hey", "lol", "haha", "wow", "nice", "beautiful", "pretty",
              "good", "great", "cool", "love", "like", "awesome", "amazing", "perfect", "ok", "okay", "thanks", "thank",
              "cute", "lovely", "gorgeous", "is", "are", "was", "this", "mine", "mom", "dad", "sister", "brother", "friend"}
_CHATTY_ZH = re.compile(r"不错|好看|漂亮|很好|喜欢|哈哈|可爱|真美|太美|厉害|是谁|妈妈|爸爸|姐姐|妹妹|朋友")


def chatty(words: str) -> bool:
    """Whether the words left over after the things a message names are talk about them ("hello sky", "nice hair",
    "天空很好看"), not a description of new content: they must never become a prompt."""
    return bool(_CHATTY_ZH.search(words)) or any(w in _CHATTY_EN for w in words.lower().split())
